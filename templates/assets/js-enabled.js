// Loaded first in <body>, before anything is drawn: marks the page as having JavaScript (and,
// in browsers that support ES modules, GOV.UK Frontend), so styles for scripted components
// apply from the start.
document.body.className +=
  " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
