"""One scorer per method; each documents its formula in its docstring."""

from scoring.criteria import Method
from scoring.methods.base import Reading, Scorer, Setting
from scoring.methods.judgement import Judgement
from scoring.methods.metric import Metric
from scoring.methods.price import PriceLinear, PricePerQualityPoint, PriceRelative
from scoring.methods.social_value import SocialValueMeasures
from scoring.methods.yes_no import LocalSupplier, PassFail


def new_scorers() -> dict[Method, Scorer]:
    """A fresh scorer per method; scorers remember text they have written, for one run."""
    return {
        Method.PRICE_RELATIVE: PriceRelative(),
        Method.PRICE_LINEAR: PriceLinear(),
        Method.PRICE_PER_QUALITY_POINT: PricePerQualityPoint(),
        Method.JUDGEMENT: Judgement(),
        Method.METRIC: Metric(),
        Method.SOCIAL_VALUE_MEASURES: SocialValueMeasures(),
        Method.LOCAL_SUPPLIER: LocalSupplier(),
        Method.PASS_FAIL: PassFail(),
    }


# For scoring numbers again without reading bids (normalise, basis, baseline), as the
# sensitivity analysis does; these remember nothing.
SCORERS = new_scorers()

__all__ = ["SCORERS", "PricePerQualityPoint", "Reading", "Scorer", "Setting", "new_scorers"]
