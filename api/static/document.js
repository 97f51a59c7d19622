// Document page: a fact in the list shows its sentence in the text, a marked sentence shows its facts.
(function () {
  "use strict";
  function clear() {
    document.querySelectorAll(".current").forEach((el) => el.classList.remove("current"));
  }
  function showSentence(anchor) {
    const mark = document.getElementById(anchor);
    if (!mark) return;
    clear();
    mark.classList.add("current");
    mark.scrollIntoView({ block: "center" });
    for (const number of mark.dataset.facts.split(" ")) {
      const fact = document.getElementById("fact-" + number);
      if (fact) fact.classList.add("current");
    }
  }
  document.querySelectorAll(".facts a[data-anchor]").forEach((link) => {
    link.addEventListener("click", (event) => {
      event.preventDefault();
      history.replaceState(null, "", "#" + link.dataset.anchor);
      showSentence(link.dataset.anchor);
    });
  });
  document.querySelectorAll("mark.evidence").forEach((mark) => {
    mark.addEventListener("click", () => showSentence(mark.id));
  });
  if (location.hash.startsWith("#at-")) showSentence(location.hash.slice(1));
})();
