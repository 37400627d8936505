/* The emulated provider's checkout bootstrap (demo and tests only). The html_snippet's
   inline script sets window._klarnaCheckout.config and loads this file from the provider's
   host, as Klarna Checkout's snippet loads its checkout.bootstrap.js; this file then frames
   the buyer's checkout page in the snippet's container. The real one also resizes the
   frame as the buyer goes on; here the frame is tall enough for the whole form. */
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
  frame.style.minHeight = "66rem";
  frame.style.border = "0";
  config.container.appendChild(frame);
})(window, document);
