// The reduceByKey(sum) section on a heap of its own (run by bench/run.ts): 4M pairs of a batch
// need hundreds of MB, and the garbage earlier sections leave makes both paths' figures swing by
// half from one run to the next. Prints the result as JSON.
import { benchTaggedReduce } from "./tagged-reduce.ts";

console.log(JSON.stringify(await benchTaggedReduce(10_000, 4_000_000, 5)));
