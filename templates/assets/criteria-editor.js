// The criteria editor: reveals the settings of the chosen scoring method, scale or mode.
// GOV.UK Frontend's own conditional reveal marks radios aria-expanded, which the radio role
// does not allow, so radios name what they reveal in data-app-reveals instead.
document.addEventListener("change", function (event) {
  var chosen = event.target;
  if (!(chosen instanceof HTMLInputElement) || chosen.type !== "radio") return;
  document.querySelectorAll('input[type="radio"][data-app-reveals]').forEach(function (radio) {
    if (radio.name !== chosen.name || radio.form !== chosen.form) return;
    var settings = document.getElementById(radio.getAttribute("data-app-reveals"));
    if (settings) settings.classList.toggle("app-conditional--hidden", !radio.checked);
  });
});
