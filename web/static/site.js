/* global document */
// Moves focus to the error summary of a form that came back with errors (GOV.UK pattern).
(function () {
  var summary = document.querySelector('[data-autofocus]');
  if (summary) summary.focus();
})();
