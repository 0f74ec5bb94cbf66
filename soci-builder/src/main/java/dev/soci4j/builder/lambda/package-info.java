/** The AWS deployment: the Lambda handler for EventBridge ECR events, and ECR registry credentials. */
package dev.soci4j.builder.lambda;
