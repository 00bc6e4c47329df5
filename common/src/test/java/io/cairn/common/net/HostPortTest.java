package io.cairn.common.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import org.junit.jupiter.api.Test;

class HostPortTest {
    @Test
    void parsesHostsAndBracketedV6() {
        assertEquals(new HostPort("127.0.0.1", 6800), HostPort.parse("127.0.0.1:6800"));
        assertEquals(new HostPort("::1", 7000), HostPort.parse("[::1]:7000"));
        assertEquals("[::1]:7000", HostPort.parse("[::1]:7000").toString());
        assertEquals(new HostPort("mon-a.rack1", 0), HostPort.parse(" mon-a.rack1:0 "));
    }

    @Test
    void badAddressesAreEinvalNamingTheText() {
        for (String bad : new String[] {"", "host", ":80", "host:", "host:http", "host:70000", "::1:80"}) {
            CairnException e = assertThrows(CairnException.class, () -> HostPort.parse(bad), bad);
            assertEquals(ErrorCode.EINVAL, e.code(), bad);
        }
    }
}
