// The batch layer's views in the serving store: what the hourly and daily rollups publish for the
// query API (final and corrected numbers per link). Owned by the rollup jobs (src/jobs/rollups);
// read by the serving layer (src/serve). docs/rollups.md describes the tables.

/** Published batch views; the rollup jobs write them, the query API reads them. */
export interface BatchViewRepository {
  /** The newest rollup partition published, or undefined when none is. */
  latestPublished(job: string): Promise<string | undefined>;
}
