/** The cost model (docs/v32.md §8): guest work counted in cycles, all configurable. */
export interface CostModel {
	/** Per executed instruction. */
	instruction: number;
	/** An exception or interrupt delivered by the CPU. */
	exception: number;
	/** `iret`. */
	iret: number;
	/** A round trip into the VMM: intercept, world switch and back. */
	vmmRoundTrip: number;
	/** Per instruction emulated by the VMM. */
	emulate: number;
	/** Reflecting an exception into a guest. */
	reflect: number;
	/** Per instruction scanned by the binary translator. */
	btScan: number;
	/** Extra per intercept under a Type II VMM: the trip through the host OS. */
	hostOs: number;
	/** Extra per guest instruction the hybrid VMM interprets (docs/v32.md §8.1), on top of `instruction`. */
	interpret: number;
}

export const defaultCosts: CostModel = {
	instruction: 1,
	exception: 50,
	iret: 50,
	vmmRoundTrip: 1000,
	emulate: 100,
	reflect: 200,
	btScan: 20,
	hostOs: 2000,
	interpret: 30,
};
