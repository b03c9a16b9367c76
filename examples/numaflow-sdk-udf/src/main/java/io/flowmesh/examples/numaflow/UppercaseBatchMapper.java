package io.flowmesh.examples.numaflow;

import io.numaproj.numaflow.batchmapper.BatchMapper;
import io.numaproj.numaflow.batchmapper.BatchResponse;
import io.numaproj.numaflow.batchmapper.BatchResponses;
import io.numaproj.numaflow.batchmapper.Datum;
import io.numaproj.numaflow.batchmapper.DatumIterator;
import io.numaproj.numaflow.batchmapper.Message;

/** Batch: upper-cases each element of a batch, keeping its keys. Stateless. */
public final class UppercaseBatchMapper extends BatchMapper {

  @Override
  public BatchResponses processMessage(DatumIterator data) {
    BatchResponses responses = new BatchResponses();
    while (true) {
      Datum datum;
      try {
        datum = data.next();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      if (datum == null) {
        break; // the SDK's end of the batch
      }
      responses.append(new BatchResponse(datum.getId())
          .append(new Message(UppercaseMapper.uppercase(datum.getValue()), datum.getKeys())));
    }
    return responses;
  }
}
