-- The hour's IPv6 (and IPv4-mapped) addresses, whose keys the fraud pass computes with `ipKey`.
SELECT file_index, file_row, ip FROM hour_clicks WHERE contains(ip, ':')
