/* The emulated provider's checkout bootstrap (demo and tests only). The html_snippet's
   inline script sets window._klarnaCheckout.config and loads this file from the provider's
   host, as Klarna Checkout's snippet loads its checkout.bootstrap.js; this file then frames
   the buyer's checkout page in the snippet's container and, as the real one does, sizes the
   frame to the height the checkout page reports (checkout.frame.js), so the buyer sees the
   whole form. */
(function (w, d) {
  "use strict";
  var api = w._klarnaCheckout;
  var config = api && api.config;
  if (!config || !config.container || !config.ORDER_URL) {
    return;
  }
  var frame = d.createElement("iframe");
  frame.id = "klarna-checkout-iframe";
  frame.name = "klarna-checkout-iframe";
  frame.title = config.TITLE || "Checkout";
  frame.src = config.ORDER_URL;
  // Styled through the DOM, not a style attribute in markup: a Content-Security-Policy
  // without 'unsafe-inline' allows this.
  frame.style.display = "block";
  frame.style.width = "100%";
  frame.style.height = "66rem";  // until the checkout page reports its own height
  frame.style.border = "0";
  config.container.appendChild(frame);

  var frameOrigin = new URL(config.ORDER_URL, w.location.href).origin;
  w.addEventListener("message", function (event) {
    // Only the checkout in our own frame may size it, and only within sane bounds.
    if (event.source !== frame.contentWindow || event.origin !== frameOrigin) {
      return;
    }
    var data = event.data;
    if (!data || data.type !== "kco-height" || typeof data.height !== "number") {
      return;
    }
    var height = Math.min(Math.max(Math.ceil(data.height), 320), 4000);
    frame.style.height = height + "px";
  });
})(window, document);
