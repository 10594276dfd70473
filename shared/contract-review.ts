/**
 * The review part of the contract (queues, rubric, reviews, tags, estimates, reports), merged into the `contract`
 * object of ./contract. Kept in its own file so the review work grows without touching the core declarations.
 */
import type { z } from 'zod';

export const reviewMethods = {} satisfies Record<string, { params: z.ZodType; result: unknown }>;
