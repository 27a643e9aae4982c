export interface LocateSpec { after?: string | string[]; needle: string; word?: string; occurrence?: number }
export function locate(text: string, spec: LocateSpec): { offset: number; length: number; line: number; character: number };
