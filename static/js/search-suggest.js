/*
 * Suggestions under the search box (the ARIA 1.2 combobox pattern with a
 * listbox popup).
 *
 * The box is an ordinary GET form that works without this script; this only
 * adds a list of titles under it. Markup: <form data-suggest-url="URL"> with
 * an <input name="q">; URL?q=… answers {"suggestions": [{"title", "kind",
 * "url"}, …]} (search.views.suggest). data-label-<kind> attributes on the
 * form give each kind's name in the page's language.
 *
 * Titles come from cooperatives' own data: they are written with
 * textContent, never as HTML, and only http(s) or same-site addresses are
 * followed.
 */
(function () {
  "use strict";

  // Long enough to skip the keystrokes of a word being typed, short enough
  // to feel immediate.
  var DELAY_MS = 150;
  // One letter matches half the index; two already narrow it down.
  var MIN_LENGTH = 2;
  var MAX_SUGGESTIONS = 8;

  function isSafeUrl(url) {
    return typeof url === "string" && (/^https?:\/\//i.test(url) || /^\/(?!\/)/.test(url));
  }

  function suggestUrl(base, value) {
    return base + (base.indexOf("?") === -1 ? "?" : "&") + "q=" + encodeURIComponent(value);
  }

  function enhance(form, number) {
    var input = form.querySelector('input[name="q"]');
    var base = form.getAttribute("data-suggest-url");
    if (!input || !base || !window.fetch) {
      return;
    }
    var listId = (input.id || "search-box-" + number) + "-suggestions";
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "search-suggestions";
    list.setAttribute("role", "listbox");
    if (input.labels && input.labels.length) {
      list.setAttribute("aria-label", input.labels[0].textContent.trim());
    }
    list.hidden = true;
    form.appendChild(list);
    form.classList.add("has-suggestions");

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);

    var suggestions = [];
    var active = -1;
    var timer = null;
    // Each request gets a ticket; only the answer to the latest one is
    // shown, so a slow answer for "ch" never replaces the one for "che sh".
    var latest = 0;
    var controller = null;

    function options() {
      return list.querySelectorAll('[role="option"]');
    }

    function setActive(index, fromPointer) {
      var items = options();
      active = index;
      for (var i = 0; i < items.length; i++) {
        items[i].setAttribute("aria-selected", i === index ? "true" : "false");
      }
      if (index >= 0 && items[index]) {
        input.setAttribute("aria-activedescendant", items[index].id);
        if (!fromPointer && items[index].scrollIntoView) {
          items[index].scrollIntoView({ block: "nearest" });
        }
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function open() {
      if (suggestions.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
      }
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      setActive(-1);
    }

    function cancel() {
      latest += 1;
      clearTimeout(timer);
      if (controller) {
        controller.abort();
        controller = null;
      }
    }

    function render(items) {
      while (list.firstChild) {
        list.removeChild(list.firstChild);
      }
      suggestions = items;
      items.forEach(function (item, index) {
        var option = document.createElement("li");
        option.id = listId + "-" + index;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.setAttribute("data-kind", item.kind);
        var title = document.createElement("span");
        title.className = "search-suggestions__title";
        title.textContent = item.title;
        option.appendChild(title);
        var kind = form.getAttribute("data-label-" + item.kind);
        if (kind) {
          option.appendChild(document.createTextNode(" "));
          var label = document.createElement("span");
          label.className = "search-suggestions__kind";
          label.textContent = kind;
          option.appendChild(label);
        }
        list.appendChild(option);
      });
      setActive(-1);
      if (items.length) {
        open();
      } else {
        close();
      }
    }

    function request(value) {
      cancel();
      var ticket = latest;
      controller = window.AbortController ? new AbortController() : null;
      fetch(suggestUrl(base, value), {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        signal: controller ? controller.signal : undefined,
      })
        .then(function (response) {
          return response.ok ? response.json() : null;
        })
        .then(function (data) {
          if (ticket !== latest || input.value.trim() !== value) {
            return;
          }
          var items = data && Array.isArray(data.suggestions) ? data.suggestions : [];
          render(
            items
              .filter(function (item) {
                return item && typeof item.title === "string" && isSafeUrl(item.url);
              })
              .slice(0, MAX_SUGGESTIONS)
          );
        })
        .catch(function () {
          // Aborted, offline or not JSON: the form still searches.
        });
    }

    function follow(index) {
      var item = suggestions[index];
      if (!item) {
        return;
      }
      close();
      window.location.assign(item.url);
    }

    input.addEventListener("input", function () {
      var value = input.value.trim();
      cancel();
      if (value.length < MIN_LENGTH) {
        suggestions = [];
        close();
        return;
      }
      timer = setTimeout(function () {
        request(value);
      }, DELAY_MS);
    });

    input.addEventListener("keydown", function (event) {
      var count = suggestions.length;
      switch (event.key) {
        case "ArrowDown":
        case "Down":
          if (!count) {
            return;
          }
          event.preventDefault();
          open();
          setActive(active + 1 >= count ? 0 : active + 1);
          break;
        case "ArrowUp":
        case "Up":
          if (!count) {
            return;
          }
          event.preventDefault();
          open();
          setActive(active <= 0 ? count - 1 : active - 1);
          break;
        case "Enter":
          // With no suggestion chosen, Enter submits the form: a search.
          if (!list.hidden && active >= 0) {
            event.preventDefault();
            follow(active);
          }
          break;
        case "Escape":
        case "Esc":
          if (!list.hidden) {
            event.preventDefault();
            close();
          }
          break;
        case "Tab":
          close();
          break;
        default:
          break;
      }
    });

    // Keeps the focus in the box while a suggestion is pressed, so the
    // list is still there when the click lands.
    list.addEventListener("mousedown", function (event) {
      event.preventDefault();
    });
    list.addEventListener("click", function (event) {
      var option = event.target.closest('[role="option"]');
      if (option) {
        follow(Array.prototype.indexOf.call(options(), option));
      }
    });
    list.addEventListener("mousemove", function (event) {
      var option = event.target.closest('[role="option"]');
      var index = option ? Array.prototype.indexOf.call(options(), option) : -1;
      if (index >= 0 && index !== active) {
        setActive(index, true);
      }
    });

    form.addEventListener("focusout", function (event) {
      if (!event.relatedTarget || !form.contains(event.relatedTarget)) {
        close();
      }
    });
    input.addEventListener("focus", function () {
      if (suggestions.length && input.value.trim().length >= MIN_LENGTH) {
        open();
      }
    });
    // Coming back with the browser's Back button restores the page as it
    // was left, list included: start closed.
    window.addEventListener("pageshow", function () {
      cancel();
      close();
    });
  }

  function start() {
    var forms = document.querySelectorAll("form[data-suggest-url]");
    for (var i = 0; i < forms.length; i++) {
      enhance(forms[i], i);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
