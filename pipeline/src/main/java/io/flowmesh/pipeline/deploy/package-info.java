/**
 * A pipeline spec as containers run it, for every renderer alike (compose today, Kubernetes
 * next): {@link io.flowmesh.pipeline.deploy.DeploymentModel#of} turns a checked spec into a
 * {@link io.flowmesh.pipeline.deploy.Deployment} — per vertex its service jar, replicas, complete
 * settings (the same key mapping as the local runner's, {@link io.flowmesh.pipeline.plan.Translator#vertexSettings}),
 * fixed container ports, upstreams by DNS name and UDF containers — and
 * {@link io.flowmesh.pipeline.deploy.SettingsForm} splits settings into environment variables and
 * flags. {@link io.flowmesh.pipeline.deploy.ComposeRenderer} writes a compose file from it.
 */
package io.flowmesh.pipeline.deploy;
