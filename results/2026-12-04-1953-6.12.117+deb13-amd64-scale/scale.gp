$ipis0 << EOD
2 0.98
4 1.46
8 1.71
EOD
$time0 << EOD
1 33167
2 21685
4 21865
8 27240
EOD
$ipis1 << EOD
2 0.98
4 1.46
8 1.71
EOD
$time1 << EOD
1 22184
2 16476
4 13471
8 20477
EOD
$ipis2 << EOD
2 982.91
4 3010.25
8 7037.35
EOD
$time2 << EOD
1 25506
2 65122
4 150462
8 388854
EOD
$ipis3 << EOD
2 998.29
4 2999.76
8 7000
EOD
$time3 << EOD
1 68521
2 78898
4 281669
8 431227
EOD
$ipis4 << EOD
EOD
$time4 << EOD
1 16287
2 13768
4 14781
8 20252
EOD
set terminal svg size 720,420 dynamic font "sans,11" noenhanced
set key outside right
set grid
set xlabel "vCPUs"
set xtics (1, 2, 4, 8)
set xrange [0.5:8.5]
set output "scale-ipis.svg"
set title "6.12.117+deb13-amd64: kernel TLB-flush IPIs per 1000 pages, cold, seq"
set logscale y
set yrange [0.5:*]
set ylabel "flush IPIs / 1000 pages (log)"
plot $ipis0 using 1:2 with linespoints title "range", $ipis1 using 1:2 with linespoints title "range-user", $ipis2 using 1:2 with linespoints title "no-cache", $ipis3 using 1:2 with linespoints title "memfd_secret"
set output "scale-time.svg"
set title "6.12.117+deb13-amd64: warm time per page, seq (TCG)"
set yrange [1000:*]
set ylabel "ns / page (log)"
plot $time0 using 1:2 with linespoints title "range", $time1 using 1:2 with linespoints title "range-user", $time2 using 1:2 with linespoints title "no-cache", $time3 using 1:2 with linespoints title "memfd_secret", $time4 using 1:2 with linespoints title "alloc_pages"
