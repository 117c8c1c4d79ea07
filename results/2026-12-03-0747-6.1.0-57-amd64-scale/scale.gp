$ipis0 << EOD
2 2.2
4 6.59
8 15.38
EOD
$time0 << EOD
1 10439
2 11869
4 11360
8 11359
EOD
$ipis1 << EOD
2 1.22
4 3.66
8 8.54
EOD
$time1 << EOD
1 8098
2 8166
4 8698
8 8248
EOD
$ipis2 << EOD
2 990.97
4 3008.06
8 7018.55
EOD
$time2 << EOD
1 11734
2 78767
4 147219
8 713916
EOD
$ipis3 << EOD
2 999.27
4 3000
8 7000
EOD
$time3 << EOD
1 32528
2 121576
4 162024
8 693447
EOD
$ipis4 << EOD
EOD
$time4 << EOD
1 5399
2 6137
4 6360
8 6362
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
