/** Pure, framework-free validation rules. Every rule returns `validation` namespace message keys. */
export * from "./keys";
export * from "./dates";
export * from "./nik";
export * from "./kk";
export * from "./phone";
export * from "./common";
