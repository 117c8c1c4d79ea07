$ipis0 << EOD
2 1.95
4 8.79
8 20.51
EOD
$time0 << EOD
1 14313
2 13506
4 13007
8 12989
EOD
$ipis1 << EOD
2 1.95
4 5.86
8 13.67
EOD
$time1 << EOD
1 11767
2 11391
4 9930
8 10181
EOD
$ipis2 << EOD
2 1000
4 3008.79
8 7075.2
EOD
$time2 << EOD
1 14891
2 96477
4 177911
8 713250
EOD
$ipis3 << EOD
2 999.02
4 2999.02
8 6999.02
EOD
$time3 << EOD
1 43285
2 137505
4 202752
8 742044
EOD
$ipis4 << EOD
EOD
$time4 << EOD
1 6597
2 6809
4 6456
8 7351
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
