$ipis0 << EOD
2 0.98
4 2.2
8 1.71
EOD
$time0 << EOD
1 10366
2 14277
4 13845
8 12047
EOD
$ipis1 << EOD
2 0.98
4 2.2
8 1.71
EOD
$time1 << EOD
1 7935
2 8018
4 9288
8 7632
EOD
$ipis2 << EOD
2 994.14
4 3012.94
8 7023.68
EOD
$time2 << EOD
1 11627
2 70844
4 114202
8 176891
EOD
$ipis3 << EOD
2 999.02
4 3000
8 7000
EOD
$time3 << EOD
1 28453
2 111914
4 144919
8 209093
EOD
$ipis4 << EOD
EOD
$time4 << EOD
1 5589
2 6600
4 6059
8 5659
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
