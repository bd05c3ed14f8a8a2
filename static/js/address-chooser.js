/* The province → district → commune chooser of the shipping address form
   (templates/oscar/checkout/shipping_address.html).

   The form works without this script; with it, choosing a province reloads
   the form with that province's districts and communes (the page holds one
   province's only, and what was typed is kept), and choosing a district
   leaves only its communes in the commune list. Plain ES5: buyers' phones
   are not all recent. */
(function () {
  "use strict";

  var form = document.querySelector("form[data-address-chooser]");
  if (!form) {
    return;
  }
  var province = form.elements.province;
  var district = form.elements.district;
  var commune = form.elements.commune;
  var choose = form.querySelector("[data-choose-province]");

  if (province && choose) {
    choose.hidden = true;
    province.addEventListener("change", function () {
      choose.querySelector("button").click();
    });
  }
  if (!district || !commune) {
    return;
  }

  // The commune list: an empty choice, then one optgroup per district whose
  // options carry their district's id in data-parent.
  var nodes = Array.prototype.slice.call(commune.children);

  function districtOf(node) {
    var option = node.tagName === "OPTGROUP" ? node.querySelector("option") : null;
    return option ? option.getAttribute("data-parent") : "";
  }

  function showCommunesOf(districtId) {
    var chosen = commune.value;
    while (commune.firstChild) {
      commune.removeChild(commune.firstChild);
    }
    nodes.forEach(function (node) {
      var parent = districtOf(node);
      if (!parent || !districtId || parent === districtId) {
        commune.appendChild(node);
      }
    });
    commune.value = chosen;
    if (commune.value !== chosen) {
      commune.value = "";
    }
  }

  district.addEventListener("change", function () {
    showCommunesOf(district.value);
  });
  // A commune chosen first, from the whole province's list, sets its district.
  commune.addEventListener("change", function () {
    var option = commune.options[commune.selectedIndex];
    var parent = option ? option.getAttribute("data-parent") : null;
    if (parent && district.value !== parent) {
      district.value = parent;
      showCommunesOf(district.value);
    }
  });
  showCommunesOf(district.value);
})();
