package io.flowmesh.udf.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class MapCallTest {

  @Test
  void aStatusMessageIsPercentEncodedAsGrpcCarriesIt() {
    assertEquals("plain text: 100%25 done %C3%A9%0A", MapCall.percentEncode("plain text: 100% done \u00e9\n"));
    assertEquals("", MapCall.percentEncode(""));
  }
}
