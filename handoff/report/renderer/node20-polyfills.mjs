// Node 20 lacks ES2025 iterator helpers; allure 3.18.0's quality gate calls
// `map.values().toArray()` (@allurereport/core/dist/qualityGate/qualityGate.js).
// Load with: NODE_OPTIONS="--import <renderer install folder>/node20-polyfills.mjs" (no-op on Node >= 22).
const IteratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]()));
if (typeof IteratorPrototype.toArray !== "function") {
  Object.defineProperty(IteratorPrototype, "toArray", {
    configurable: true,
    writable: true,
    value: function toArray() {
      const out = [];
      for (const item of this) out.push(item);
      return out;
    },
  });
}
