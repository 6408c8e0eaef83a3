import { JVM_FAMILIES } from "./catalog-jvm.js";
import { NODE_FAMILIES } from "./catalog-node.js";
import { REQUEST_FAMILIES } from "./catalog-requests.js";
import { TABLE_FAMILIES } from "./catalog-tables.js";
import type { FamilySpec } from "./family.js";

/** Every Cassandra metric family the agent serves, in the order they are rendered. */
export const ALL_FAMILIES: FamilySpec[] = [
  ...REQUEST_FAMILIES,
  ...NODE_FAMILIES,
  ...JVM_FAMILIES,
  ...TABLE_FAMILIES,
];
