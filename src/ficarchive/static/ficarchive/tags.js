// Tag suggestions on the posting form. Each tag field holds comma-separated names; we offer
// completions for the name being typed (after the last comma) through a <datalist>, whose
// options carry the whole field value so picking one keeps the names already typed.
// Without this script the fields are plain text boxes, and "Find a tag" is a normal page.
(function () {
  "use strict";
  var endpoint = document.documentElement.dataset.tagAutocomplete || "/autocomplete/tags/";

  function attach(input) {
    var list = document.createElement("datalist");
    list.id = input.id + "-suggestions";
    input.setAttribute("list", list.id);
    input.setAttribute("autocomplete", "off");
    input.after(list);
    var timer = null;
    var asked = "";
    var latest = 0;

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { suggest(input, list); }, 150);
    });

    function suggest() {
      var value = input.value;
      var cut = value.lastIndexOf(",");
      var before = cut >= 0 ? value.slice(0, cut + 1) + " " : "";
      var term = value.slice(cut + 1).trim();
      if (term.length < 2) { list.replaceChildren(); asked = ""; return; }
      if (value === asked) { return; }
      asked = value;
      var request = ++latest;
      var url = endpoint + "?format=json&type=" + encodeURIComponent(input.dataset.tagType) +
        "&term=" + encodeURIComponent(term);
      fetch(url, { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) {
          if (request !== latest) { return; }  // a newer question is on its way
          list.replaceChildren();
          data.results.forEach(function (item) {
            var option = document.createElement("option");
            option.value = before + item.name;
            option.label = item.synonym_of ? item.name + " → " + item.synonym_of : item.name;
            list.append(option);
          });
        })
        .catch(function () { list.replaceChildren(); });
    }
  }

  document.querySelectorAll("input[data-tag-type]").forEach(attach);
})();
