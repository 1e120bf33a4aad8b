/* Keyboard navigation for photo pages: ← previous, → next, Esc back to the index.
   No dependencies; works from file:// and from any web server. */
(function () {
  "use strict";
  var keys = { ArrowLeft: 'a[rel~="prev"]', ArrowRight: 'a[rel~="next"]',
               Escape: 'a[data-nav="index"]' };
  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey ||
        event.shiftKey) {
      return;
    }
    var target = event.target;
    if (target && (target.isContentEditable ||
                   /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName || ""))) {
      return;
    }
    var selector = keys[event.key];
    var link = selector ? document.querySelector(selector) : null;
    if (link) {
      event.preventDefault();
      window.location.href = link.href;
    }
  });
})();
