// Lets plain `tsc -p tsconfig.json` (root) resolve .vue imports; vue-tsc reads the real files instead.
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}
