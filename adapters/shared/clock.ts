/** Where the adapters and their sandbox doubles read the time: injectable so tests can move it. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();
