// TextTransformer.transform, as a global function.
function transform(text: string): string {
  const words: string[] = text.split(" ");
  return words.reverse().join(" ");
}
