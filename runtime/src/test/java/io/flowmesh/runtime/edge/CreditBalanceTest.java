package io.flowmesh.runtime.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CreditBalanceTest {

  @Test
  void grantingAddsAndSendingUsesCredit() {
    CreditBalance c = new CreditBalance();
    c.add(10);
    c.consume(4);
    assertEquals(6, c.available());
  }

  @Test
  void grantingSaturatesAtLongMaxInsteadOfOverflowing() {
    CreditBalance c = new CreditBalance();
    c.add(Long.MAX_VALUE - 1);
    c.add(5);
    assertEquals(Long.MAX_VALUE, c.available());
    c.consume(1_000_000);
    assertEquals(Long.MAX_VALUE, c.available(), "unbounded credit stays unbounded");
  }

  @Test
  void usingMoreThanGrantedFailsLoudlyAndLeavesTheBalanceUntouched() {
    CreditBalance c = new CreditBalance();
    c.add(3);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> c.consume(4));
    assertTrue(e.getMessage().contains("no credit available"), e.getMessage());
    assertEquals(3, c.available());
  }

  @Test
  void aNegativeGrantIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new CreditBalance().add(-1));
  }

  @Test
  void receivingMoreThanGrantedReportsHowFarOverAndNeverGoesNegative() {
    CreditBalance c = new CreditBalance();
    c.add(100);
    assertEquals(0, c.receive(60));
    assertEquals(15, c.receive(55));
    assertEquals(0, c.available());
  }
}
