// Wasmbox TypeScript transpiler driver. Evaluated once, as an ES module, in the transpiler template after
// driver.js and the TypeScript compiler (typescript.js, which leaves `ts` on globalThis); the template is
// then snapshotted (TypeScriptTranspiler). The host calls __wasmbox_tsx(source) through the driver's
// invoke mode and gets back plain data:
//
//   {js, mappings, errors: [{message, line, column}], moduleSyntax: [{line, column}]}
//
// js is the script with its types erased (no source map comment, no module marker), mappings the source
// map's VLQ mappings from js back to the source, errors the compiler's diagnostics of category Error
// (transpileModule reports syntax errors only, never type errors), moduleSyntax the import/export
// statements left in the output, which a sandbox cannot run (each script is one global script).

const T = globalThis.ts;

const OPTIONS = Object.freeze({
  target: T.ScriptTarget.ES2022,
  module: T.ModuleKind.ESNext,
  useDefineForClassFields: true,
  // TS 6 defaults to alwaysStrict, which prepends "use strict" and makes top-level var/function
  // declarations local to the eval: scripts must keep JavaScript's sloppy global semantics.
  alwaysStrict: false,
  ignoreDeprecations: "6.0", // else TS5107: alwaysStrict false is deprecated
  sourceMap: true,
  inlineSources: false,
  removeComments: false,
  verbatimModuleSyntax: false,
});

function isEmptyExport(statement) {
  return T.isExportDeclaration(statement) && !statement.moduleSpecifier && statement.exportClause !== undefined
      && T.isNamedExports(statement.exportClause) && statement.exportClause.elements.length === 0;
}

function isModuleSyntax(statement) {
  if (T.isImportDeclaration(statement) || T.isExportDeclaration(statement) || T.isExportAssignment(statement)) {
    return true;
  }
  if (T.isImportEqualsDeclaration(statement)) return T.isExternalModuleReference(statement.moduleReference);
  const modifiers = T.canHaveModifiers(statement) ? T.getModifiers(statement) : undefined;
  if (modifiers) {
    for (let i = 0; i < modifiers.length; i++) if (modifiers[i].kind === T.SyntaxKind.ExportKeyword) return true;
  }
  return false;
}

function position(sourceFile, node) {
  const original = T.getOriginalNode(node);
  try {
    if (sourceFile && original && original.pos >= 0) {
      const lc = T.getLineAndCharacterOfPosition(sourceFile, original.getStart(sourceFile));
      return { line: lc.line + 1, column: lc.character + 1 };
    }
  } catch (e) { /* a synthesized node: no position */ }
  return { line: -1, column: -1 };
}

function transpile(source) {
  const moduleSyntax = [];
  // runs after every built-in transformer: sees the JavaScript about to be printed
  const checkModuleSyntax = () => (sourceFile) => {
    const original = T.getOriginalNode(sourceFile);
    const kept = [];
    let changed = false;
    for (const statement of sourceFile.statements) {
      if (isEmptyExport(statement)) { changed = true; continue; } // the module marker TS adds: harmless
      if (isModuleSyntax(statement)) moduleSyntax.push(position(original, statement));
      kept.push(statement);
    }
    return changed ? T.factory.updateSourceFile(sourceFile, kept) : sourceFile;
  };
  const out = T.transpileModule(source, {
    compilerOptions: OPTIONS,
    fileName: "main.ts",
    reportDiagnostics: true,
    transformers: { after: [checkModuleSyntax] },
  });
  const errors = [];
  const diagnostics = out.diagnostics || [];
  for (let i = 0; i < diagnostics.length; i++) {
    const d = diagnostics[i];
    if (d.category !== T.DiagnosticCategory.Error) continue;
    let line = -1, column = -1;
    if (d.file && typeof d.start === "number") {
      const lc = T.getLineAndCharacterOfPosition(d.file, d.start);
      line = lc.line + 1;
      column = lc.character + 1;
    }
    errors.push({ message: T.flattenDiagnosticMessageText(d.messageText, "\n"), line, column, code: d.code });
  }
  let js = out.outputText;
  const comment = js.lastIndexOf("//# sourceMappingURL=");
  if (comment >= 0 && js.indexOf("\n", comment) < 0) js = js.slice(0, comment);
  const map = out.sourceMapText ? JSON.parse(out.sourceMapText) : null;
  return { js, mappings: map ? map.mappings : "", errors, moduleSyntax };
}

Object.defineProperty(globalThis, "__wasmbox_tsx", { value: transpile, writable: false, enumerable: false,
  configurable: false });
