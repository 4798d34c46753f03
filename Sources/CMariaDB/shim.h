/* MariaDB Connector/C, plus the accessors Swift cannot write for MYSQL_BIND's union. */
#include <mysql.h>
#include <errmsg.h>

static inline void warden_bind_set_indicator(MYSQL_BIND *bind, char *indicators) { bind->u.indicator = indicators; }
