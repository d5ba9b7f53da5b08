// Starts every GOV.UK Frontend component on the page (loaded as a module, so only browsers
// that GOV.UK Frontend supports run it).
import { initAll } from "/assets/govuk-frontend.min.js";

initAll();
