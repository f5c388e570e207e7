// TextTransformer.transform, as a global function. `log` is a host capability this plugin declared.
function transform(text) {
  log("shouting " + text.length + " characters");
  return text.toUpperCase() + "!";
}
