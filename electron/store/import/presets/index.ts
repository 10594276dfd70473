/**
 * The preset registry, in the order candidates are listed when scores tie.
 */
import type { Preset } from './common';
import { dices } from './dices';
import { generic, helpdeskTickets } from './generic';
import { hhRlhf } from './hh-rlhf';
import { jira } from './jira';
import { anthropicBatch } from './anthropic-batch';
import { bedrock } from './bedrock';
import { appStoreReviews, googlePlayReviews } from './app-reviews';
import { helicone } from './helicone';
import { langfuse, langfuseScores } from './langfuse';
import { labelStudio } from './label-studio';
import { langsmith } from './langsmith';
import { langsmithFeedback } from './langsmith-feedback';
import { opik } from './opik';
import { litellm } from './litellm';
import { mlflowTraces } from './mlflow';
import { portkey } from './portkey';
import { vertexBatch } from './vertex-batch';
import { freshdesk } from './freshdesk';
import { intercom } from './intercom';
import { helpscout } from './helpscout';
import { qualtrics } from './qualtrics';
import { typeformResponses } from './typeform';
import { phoenixAnnotations, phoenixSpans } from './phoenix';
import { llmperf } from './llmperf';
import { mtbenchAnswers, mtbenchJudgments } from './mtbench';
import { oasstTrees } from './oasst';
import { openaiBatch, openaiChat } from './openai';
import { otelGenai } from './otel';

export const PRESETS: readonly Preset[] = [
  openaiBatch, openaiChat, anthropicBatch, vertexBatch, bedrock, otelGenai, opik, mlflowTraces, langfuse, langfuseScores, langsmith, langsmithFeedback, phoenixSpans, phoenixAnnotations, labelStudio,
  helicone, portkey, litellm, llmperf, oasstTrees, mtbenchAnswers, mtbenchJudgments, hhRlhf, dices, jira, freshdesk, intercom, helpscout, qualtrics, typeformResponses, googlePlayReviews, appStoreReviews, helpdeskTickets, generic,
];

/** The preset of that name, or undefined. */
export function presetByName(name: string): Preset | undefined {
  return PRESETS.find((p) => p.name === name);
}

export type { Preset } from './common';
