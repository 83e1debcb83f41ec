// mvdan-sh ships no types; shell-parser.ts gives its API the shapes it uses.
declare module 'mvdan-sh' {
  const sh: unknown;
  export default sh;
}
