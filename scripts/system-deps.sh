#!/usr/bin/env bash
# Check, and where possible install, the Debian packages the service needs
# outside of Python and npm.
#
#   scripts/system-deps.sh [--for run|test]
#
#   --for run   (default) what `make run` needs: WeasyPrint's Pango, a Python
#               able to create virtual environments, Node.js with npm, and
#               poppler-utils.
#   --for test  all of the above plus Debian's Chromium, which the browser
#               tests drive through Playwright (Playwright may not download
#               its own browser here).
#
# Each check looks at the thing itself (a shared library, a command, a
# Python module) rather than at dpkg, so a machine that provides it some
# other way passes. When something is missing and we are root with apt-get,
# the missing packages are installed; otherwise the script fails and names
# each missing Debian package. When everything is present it runs no
# package manager at all, so calling it on every `make` costs milliseconds.
set -euo pipefail

purpose=run
while [[ $# -gt 0 ]]; do
    case "$1" in
        --for)
            purpose="${2:-}"
            shift 2 || { echo "system-deps: --for needs 'run' or 'test'" >&2; exit 2; }
            ;;
        --for=*)
            purpose="${1#--for=}"
            shift
            ;;
        -h | --help)
            sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
            exit 0
            ;;
        *)
            echo "system-deps: unknown argument: $1" >&2
            exit 2
            ;;
    esac
done
case "$purpose" in
    run | test) ;;
    *)
        echo "system-deps: --for must be 'run' or 'test', not '$purpose'" >&2
        exit 2
        ;;
esac

missing=()  # Debian packages that must be installed
optional=() # installed when the distribution has them, never fatal
reasons=()  # one line per missing package, for the error message

need() { # need PACKAGE WHY
    missing+=("$1")
    reasons+=("  $1: $2")
}

# ldconfig knows every shared library the dynamic loader can find; WeasyPrint
# loads Pango through cffi by these exact sonames.
ldcache="$( (ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null) || true)"
has_lib() { grep -q "[[:space:]]$1 " <<<"$ldcache"; }

has_lib libpango-1.0.so.0 || need libpango-1.0-0 "WeasyPrint renders PDF reports with Pango"
has_lib libpangoft2-1.0.so.0 || need libpangoft2-1.0-0 "WeasyPrint needs Pango's FreeType backend"
# HarfBuzz's subsetter makes WeasyPrint's embedded fonts much smaller; it
# falls back to fontTools without it, so this one is only nice to have.
has_lib libharfbuzz-subset.so.0 || optional+=(libharfbuzz-subset0)

# Debian splits ensurepip out of the standard library: `python3 -m venv`
# then fails half-way with a hint to install python3-venv.
if ! command -v python3 >/dev/null 2>&1; then
    need python3 "the service is written in Python"
    need python3-venv "make creates .venv with python3 -m venv"
elif ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1 ||
    ! python3 -m venv --help >/dev/null 2>&1; then
    need python3-venv "make creates .venv with python3 -m venv"
fi

# Node.js runs dart-sass (pure JavaScript) to build the stylesheet.
command -v node >/dev/null 2>&1 || need nodejs "dart-sass builds the stylesheet under Node.js"
command -v npm >/dev/null 2>&1 || need npm "make installs GOV.UK Frontend, htmx and sass with npm ci"

# Report checks read the generated PDFs back with poppler's tools.
for tool in pdftotext pdfinfo pdftoppm pdffonts; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        need poppler-utils "$tool is used to read generated PDF reports back"
        break
    fi
done

if [[ "$purpose" == test ]]; then
    # Playwright is pointed at this exact path; it may not fetch a browser.
    [[ -x /usr/bin/chromium ]] || need chromium "browser tests drive /usr/bin/chromium through Playwright"
fi

if [[ ${#missing[@]} -eq 0 && ${#optional[@]} -eq 0 ]]; then
    exit 0
fi

can_install=false
if [[ "$(id -u)" -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    can_install=true
fi

if [[ ${#missing[@]} -eq 0 ]]; then
    # Only nice-to-haves are absent. Fetch them only when the package lists
    # already know them, so a release without them does not pay for an
    # apt-get update on every make.
    known=()
    if [[ "$can_install" == true ]]; then
        for pkg in "${optional[@]}"; do
            apt-cache show "$pkg" >/dev/null 2>&1 && known+=("$pkg")
        done
    fi
    if [[ ${#known[@]} -eq 0 ]]; then
        echo "system-deps: optional package not installed: ${optional[*]}" >&2
        exit 0
    fi
fi

if [[ "$can_install" != true ]]; then
    {
        echo "system-deps: missing system packages for 'make $purpose':"
        printf '%s\n' "${reasons[@]}"
        echo "Install them as root, for example:"
        echo "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}${optional[*]:+ ${optional[*]}}"
    } >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
echo "system-deps: installing ${missing[*]}${optional[*]:+ ${optional[*]}}" >&2
apt-get update -q >&2

# Ask only for optional packages this distribution release actually has.
for pkg in ${optional[@]+"${optional[@]}"}; do
    if apt-cache show "$pkg" >/dev/null 2>&1; then
        missing+=("$pkg")
    fi
done

if [[ ${#missing[@]} -gt 0 ]]; then
    apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
fi

# Re-check the hard requirements: a package can install yet not provide the
# thing (for example npm without a node on PATH).
ldcache="$( (ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null) || true)"
still=()
has_lib libpango-1.0.so.0 || still+=(libpango-1.0-0)
has_lib libpangoft2-1.0.so.0 || still+=(libpangoft2-1.0-0)
python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || still+=(python3-venv)
command -v node >/dev/null 2>&1 || still+=(nodejs)
command -v npm >/dev/null 2>&1 || still+=(npm)
command -v pdftotext >/dev/null 2>&1 || still+=(poppler-utils)
if [[ "$purpose" == test && ! -x /usr/bin/chromium ]]; then
    still+=(chromium)
fi
if [[ ${#still[@]} -gt 0 ]]; then
    echo "system-deps: still missing after apt-get install: ${still[*]}" >&2
    exit 1
fi
