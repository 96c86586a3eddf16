import {defineConfig} from 'vitest/config';

export default defineConfig({
	test: {
		include: ['test/**/*.test.{ts,tsx}'],
		setupFiles: ['test/setup-engine.ts'],
		testTimeout: 30_000,
		hookTimeout: 30_000,
	},
});
