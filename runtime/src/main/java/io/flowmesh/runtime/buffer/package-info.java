/**
 * Reading protobuf messages out of Vert.x buffers without copying them first, shared by the
 * edge's frame decoding and map-service's UDF responses.
 *
 * <p>Threading: stateless.
 */
package io.flowmesh.runtime.buffer;
