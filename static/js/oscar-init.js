/*
 * Starts Oscar's scripts on the storefront's Oscar pages (basket, checkout,
 * account), in place of the inline "onbodyload" script of Oscar's base
 * template, which the Content-Security-Policy does not let run
 * (templates/oscar/base_no_inline_script.html).
 *
 * Markup: the <script> element that loads this file carries
 * data-oscar-init, a space-separated list of what the page needs beyond
 * oscar.init() (each name below), and data-basket-url, where the basket
 * form posts. Loaded after jQuery and Oscar's ui.js.
 */
(function ($, oscar) {
  "use strict";

  var script = document.currentScript;
  var wanted = (script.getAttribute("data-oscar-init") || "").split(/\s+/);

  var starters = {
    basket: function () {
      oscar.basket.init({ basketURL: script.getAttribute("data-basket-url") });
    },
    "checkout-gateway": function () {
      oscar.checkout.gateway.init();
    },
    wishlists: function () {
      oscar.customer.wishlists.init();
    },
    notifications: function () {
      oscar.notifications.init();
    },
    // The e-mail's HTML goes into its own frame, so its styles cannot
    // touch the page (as Oscar's own script does it).
    "email-preview": function () {
      var frame = document.getElementById("preview_box");
      if (!frame) {
        return;
      }
      var preview = frame.contentWindow.document;
      preview.open();
      preview.write(frame.textContent);
      preview.close();
    }
  };

  $(function () {
    oscar.init();
    wanted.forEach(function (name) {
      if (Object.prototype.hasOwnProperty.call(starters, name)) {
        starters[name]();
      }
    });
    // "Print this page" on the order confirmation (Oscar's inline onclick).
    $(document).on("click", "[data-behaviours~='print']", function (event) {
      event.preventDefault();
      window.print();
    });
  });
})(jQuery, oscar);
