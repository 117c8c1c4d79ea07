$ipis0 << EOD
2 0.98
4 1.46
8 1.71
EOD
$time0 << EOD
1 11107
2 12760
4 10836
8 11716
EOD
$ipis1 << EOD
2 1.22
4 1.46
8 1.71
EOD
$time1 << EOD
1 8767
2 8304
4 9230
8 8138
EOD
$ipis2 << EOD
2 992.19
4 3007.32
8 7027.34
EOD
$time2 << EOD
1 12004
2 82815
4 106388
8 158809
EOD
$ipis3 << EOD
2 998.05
4 2999.76
8 7000
EOD
$time3 << EOD
1 30751
2 115536
4 128036
8 203639
EOD
$ipis4 << EOD
EOD
$time4 << EOD
1 6180
2 6148
4 5941
8 6016
EOD
set terminal svg size 720,420 dynamic font "sans,11" noenhanced
set key outside right
set grid
set xlabel "vCPUs"
set xtics (1, 2, 4, 8)
set xrange [0.5:8.5]
set output "scale-ipis.svg"
set title "7.3.4+deb13-amd64: kernel TLB-flush IPIs per 1000 pages, cold, seq"
set logscale y
set yrange [0.5:*]
set ylabel "flush IPIs / 1000 pages (log)"
plot $ipis0 using 1:2 with linespoints title "range", $ipis1 using 1:2 with linespoints title "range-user", $ipis2 using 1:2 with linespoints title "no-cache", $ipis3 using 1:2 with linespoints title "memfd_secret"
set output "scale-time.svg"
set title "7.3.4+deb13-amd64: warm time per page, seq (TCG)"
set yrange [1000:*]
set ylabel "ns / page (log)"
plot $time0 using 1:2 with linespoints title "range", $time1 using 1:2 with linespoints title "range-user", $time2 using 1:2 with linespoints title "no-cache", $time3 using 1:2 with linespoints title "memfd_secret", $time4 using 1:2 with linespoints title "alloc_pages"
