// Minimal typings for the stopword package (https://github.com/fergiemcdowall/stopword, MIT): one exported array of
// lower-case stop words per language, named by ISO 639-3 code. The package ships no types.
declare module 'stopword' {
  const lists: Record<string, readonly string[] | undefined>;
  export = lists;
}
