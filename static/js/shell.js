/* The shell's menu on a phone: one button shows and hides it. Without this script the menu simply
   stays open (the stylesheet folds it only under html.js). Choosing a language switches at once (without
   scripts, its form's button does). No handler sits in the HTML: the Content-Security-Policy allows no inline
   script. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  document.addEventListener("DOMContentLoaded", function () {
    var language = document.getElementById("language-select");
    if (language) language.addEventListener("change", function () { language.form.submit(); });
    var button = document.querySelector(".menu-button"), menu = document.getElementById("main-menu");
    if (!button || !menu) return;
    function setOpen(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      document.documentElement.classList.toggle("menu-open", open);
    }
    button.addEventListener("click", function () {
      setOpen(button.getAttribute("aria-expanded") !== "true");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        setOpen(false);
        button.focus();
      }
    });
  });
})();
