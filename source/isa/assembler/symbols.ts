/** The symbol table: labels, `.equ` names and predefined names share one namespace. */
import type {Expr, Loc} from './types.js';

export interface SymDef {
	kind: 'label' | 'equ' | 'define';
	/** Where it was defined (none for predefined names). */
	loc?: Loc;
	/** Statement number, to order errors. */
	seq: number;
	/** Known value: labels and defines always, `.equ` once resolved in pass 2. */
	value?: number;
	expr?: Expr;
	/** Pass-2 resolution state of an `.equ` (detects cycles, reports each failure once). */
	state?: 'resolving' | 'done' | 'failed';
}

export class Symbols {
	readonly defs = new Map<string, SymDef>();

	constructor(defines: Record<string, number> = {}) {
		for (const [name, value] of Object.entries(defines)) this.defs.set(name, {kind: 'define', seq: 0, value});
	}

	get(name: string): SymDef | undefined {
		return this.defs.get(name);
	}

	/** Adds a definition; returns the duplicate-definition message when the name is taken. */
	add(name: string, def: SymDef): string | undefined {
		const first = this.defs.get(name);
		if (first !== undefined) {
			const what = def.kind === 'label' ? 'label' : 'symbol';
			let where = 'by the defines option';
			if (first.loc !== undefined) {
				where = first.loc.file === def.loc?.file ? `at line ${first.loc.line}` : `at ${first.loc.file}:${first.loc.line}`;
			}
			return `duplicate ${what} '${name}' (first defined ${where})`;
		}
		this.defs.set(name, def);
		return undefined;
	}

	/** Name → value of every symbol that has one (optionally only labels). */
	values(onlyLabels = false): Map<string, number> {
		const out = new Map<string, number>();
		for (const [name, def] of this.defs) {
			if (def.value !== undefined && (!onlyLabels || def.kind === 'label')) out.set(name, def.value);
		}
		return out;
	}
}
