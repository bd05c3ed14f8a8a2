/*
 * The card page (templates/oscar/checkout/card_payment.html): Stripe
 * Elements draws the card field, and the card number goes from the buyer's
 * browser straight to Stripe. Stripe.js is loaded just before this file.
 *
 * Markup: <form id="card-form" data-key data-client-secret data-return-url
 * data-declined>: the publishable key, the PaymentIntent's secret, where to
 * go once Stripe has confirmed, and the message shown when Stripe gives no
 * reason for a refusal.
 */
(function () {
  "use strict";

  var form = document.getElementById("card-form");
  if (!form) {
    return;
  }
  var errors = document.getElementById("card-errors");
  var button = document.getElementById("card-pay");
  var stripe = Stripe(form.getAttribute("data-key"));
  var card = stripe.elements({ locale: document.documentElement.lang || "vi" }).create("card", { hidePostalCode: true });
  card.mount("#card-element");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    button.disabled = true;
    errors.textContent = "";
    stripe.confirmCardPayment(form.getAttribute("data-client-secret"), { payment_method: { card: card } }).then(function (result) {
      if (result.error) {
        errors.textContent = result.error.message || form.getAttribute("data-declined");
        button.disabled = false;
      } else {
        window.location.assign(form.getAttribute("data-return-url"));
      }
    });
  });
})();
