/* The emulated provider's checkout page, inside the merchant's frame (demo and tests only).
   Shows the company fields only when the buyer buys as a company (they stay visible where
   scripts do not run), and tells the framing page how tall the form is, as Klarna's
   checkout does, so the merchant's page shows it whole instead of a scrolling box. The
   message carries a height and nothing else. */
(function (w, d) {
  "use strict";
  var form = d.querySelector("form.kco-form");
  if (!form) {
    return;
  }
  var companyOnly = d.querySelectorAll("[data-company-only]");

  function buyerType() {
    var chosen = form.querySelector("input[name=customer_type]:checked");
    return chosen ? chosen.value : "person";
  }

  function showCompanyFields() {
    var company = buyerType() === "organization";
    for (var i = 0; i < companyOnly.length; i++) {
      // A field with an error stays in view, whatever the choice.
      var hasError = companyOnly[i].querySelector(".errorlist") !== null;
      companyOnly[i].hidden = !(company || hasError);
    }
  }

  function reportHeight() {
    if (w.parent === w) {
      return;
    }
    // The content's own height (the document's scroll height never drops below the frame's,
    // so the frame could grow but never shrink back).
    var main = d.querySelector("main") || d.body;
    var height = main.getBoundingClientRect().bottom + w.scrollY + 16;
    w.parent.postMessage({ type: "kco-height", height: height }, "*");
  }

  form.addEventListener("change", function () {
    showCompanyFields();
    reportHeight();
  });
  w.addEventListener("resize", reportHeight);
  showCompanyFields();
  reportHeight();
})(window, document);
