/**
 * Importing this module registers every built-in kernel. Workers import it so their registry is
 * identical to the main thread's. Each kernel family adds one import line here.
 */
import "./core.js";
import "./source.js";
import "./random.js";
import "./getitem.js";
import "./join.js";
import "./create.js";
import "./reduce.js";
import "./elementwise.js";
import "./fused.js";
import "./mask.js";
import "./select.js";
import "./sort.js";
import "./user.js";
import "./scan.js";
import "./linalg.js";
import "./count.js";
import "./int64-reduce.js";
import "./einsum.js";
import "./take-lazy.js";
import "./int64-exact.js";
