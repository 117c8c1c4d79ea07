$ipis0 << EOD
2 2.93
4 8.79
8 20.51
EOD
$time0 << EOD
1 13112
2 12918
4 12716
8 11981
EOD
$ipis1 << EOD
2 1.95
4 5.86
8 13.67
EOD
$time1 << EOD
1 10876
2 10934
4 11667
8 10139
EOD
$ipis2 << EOD
2 988.28
4 3012.7
8 7054.69
EOD
$time2 << EOD
1 13220
2 83545
4 168610
8 617939
EOD
$ipis3 << EOD
2 1000
4 3000.98
8 7000
EOD
$time3 << EOD
1 38825
2 128028
4 194066
8 777668
EOD
$ipis4 << EOD
EOD
$time4 << EOD
1 6555
2 6343
4 6369
8 6870
EOD
set terminal svg size 720,420 dynamic font "sans,11" noenhanced
set key outside right
set grid
set xlabel "vCPUs"
set xtics (1, 2, 4, 8)
set xrange [0.5:8.5]
set output "scale-ipis.svg"
set title "6.1.0-57-amd64: kernel TLB-flush IPIs per 1000 pages, cold, seq"
set logscale y
set yrange [0.5:*]
set ylabel "flush IPIs / 1000 pages (log)"
plot $ipis0 using 1:2 with linespoints title "range", $ipis1 using 1:2 with linespoints title "range-user", $ipis2 using 1:2 with linespoints title "no-cache", $ipis3 using 1:2 with linespoints title "memfd_secret"
set output "scale-time.svg"
set title "6.1.0-57-amd64: warm time per page, seq (TCG)"
set yrange [1000:*]
set ylabel "ns / page (log)"
plot $time0 using 1:2 with linespoints title "range", $time1 using 1:2 with linespoints title "range-user", $time2 using 1:2 with linespoints title "no-cache", $time3 using 1:2 with linespoints title "memfd_secret", $time4 using 1:2 with linespoints title "alloc_pages"
