$ipis0 << EOD
2 2.93
4 8.79
8 20.51
EOD
$time0 << EOD
1 12980
2 13088
4 13092
8 11326
EOD
$ipis1 << EOD
2 1.95
4 5.86
8 6.84
EOD
$time1 << EOD
1 10066
2 9384
4 8964
8 8582
EOD
$ipis2 << EOD
2 1005.86
4 3026.37
8 7068.36
EOD
$time2 << EOD
1 14174
2 85788
4 154486
8 610438
EOD
$ipis3 << EOD
2 999.02
4 3000
8 6998.05
EOD
$time3 << EOD
1 37134
2 130397
4 162976
8 511742
EOD
$ipis4 << EOD
EOD
$time4 << EOD
1 5646
2 6034
4 5806
8 6463
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
