/* Terreau: small enhancements on top of pages that work without JavaScript.
   After htmx swaps new content in, move the focus to the element it marks with
   data-autofocus (the new heading, or the error), so keyboard and screen-reader users
   are told what changed. */
document.addEventListener("htmx:afterSettle", function (event) {
  var target = event.detail && event.detail.target;
  if (!target) { return; }
  var focus = target.matches && target.matches("[data-autofocus]") ? target : target.querySelector("[data-autofocus]");
  if (focus) { focus.focus(); }
});
