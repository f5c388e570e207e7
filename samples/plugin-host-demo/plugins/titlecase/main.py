# TextTransformer.transform, as a global function. `getUser` is a host capability this plugin declared;
# `readFile` was declared too, but the host does not offer it, so it does not exist here.
def transform(text):
    if "?" in text:
        while True:  # the bug: it never ends, the host stops it at its 500 ms limit and disables it
            pass
    return text.title() + " -- for " + getUser()["name"]
