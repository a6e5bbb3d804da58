/** What Spark's \`print()\` writes for the batch at \`time\` with these records. */
export function printed(time: number, ...records: string[]): string {
  return ["-------------------------------------------", `Time: ${time} ms`, "-------------------------------------------", ...records, ""].join("\n");
}
