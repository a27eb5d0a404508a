/** The floor's one activity: returns its input, so a step costs only what Temporal charges for it. */
export const floorActivities = {
  async step(n: number): Promise<number> {
    return n;
  },
};
export type FloorActivities = typeof floorActivities;
